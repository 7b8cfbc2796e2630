/** Which tfjs backend runs the face models. `auto` tries tfjs-node (when installed), then wasm, then cpu. */
export type QualityBackend = 'auto' | 'wasm' | 'tensorflow' | 'cpu';
