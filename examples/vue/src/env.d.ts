// Types <streaming-avatar>'s props and events in templates (vue-tsc, Volar).
import type {} from 'streaming-avatar/vue';
