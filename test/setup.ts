import '../functions/adapters/local/promisePolyfill.ts';
