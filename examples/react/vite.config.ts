import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Relative asset URLs, so the built app works from any folder.
export default defineConfig({ base: './', plugins: [react()] });
