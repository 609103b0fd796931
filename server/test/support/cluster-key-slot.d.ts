/** The package ships no types: the Redis Cluster slot (0..16383) of a key, hash tags honoured. */
declare module 'cluster-key-slot' {
  const slot: ((key: string) => number) & { generateMulti(keys: string[]): number };
  export default slot;
}
