import '../functions/adapters/local/promisePolyfill.ts';

// The AWS SDK warns on Node 20 about 2027 releases; the tests know, and the warning is noise here.
process.env.AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING ??= '1';
