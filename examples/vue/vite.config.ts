import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  plugins: [
    vue({
      // Render <streaming-avatar> as a custom element instead of resolving it as a Vue component.
      template: { compilerOptions: { isCustomElement: (tag) => tag === 'streaming-avatar' } },
    }),
  ],
});
