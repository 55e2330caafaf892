/** @twofold/protocol — wire types and pure checks shared by client and server. */
export * from './face.js';
