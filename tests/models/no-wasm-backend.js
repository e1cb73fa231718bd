// Stands in for @tensorflow/tfjs-backend-wasm, which face-api's Node
// build requires but the oracle does not use (see oracle.js).
'use strict';
module.exports = {};
