/** A Member as this subgraph knows it: just the key; members owns everything else. */
export interface MemberReference {
  id: string;
}
