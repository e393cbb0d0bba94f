// trtc-sdk-v5 types only its UMD `main`; its ESM build has the same default export.
declare module 'trtc-sdk-v5/trtc.esm.js' {
  export { default } from 'trtc-sdk-v5';
}
