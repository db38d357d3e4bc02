import { describe, expect, it } from 'vitest';
import { namesNamespaceUri, resolveNamespaceUri } from './namespace-uri.js';

describe('resolveNamespaceUri', () => {
  const ns = ['http://opcfoundation.org/UA/', 'urn:fabrik:sim:plant'];
  it('turns a namespace URI into the index the server uses today', () => {
    expect(resolveNamespaceUri('nsu=urn:fabrik:sim:plant;s=cnc1.lathe.state', ns)).toBe('ns=1;s=cnc1.lathe.state');
    expect(resolveNamespaceUri('ns=3;i=7', ns)).toBe('ns=3;i=7');
    expect(resolveNamespaceUri('nsu=urn:other;i=7', ns)).toBeNull();
    expect(namesNamespaceUri('nsu=urn:x;i=1')).toBe(true);
    expect(namesNamespaceUri('ns=1;i=1')).toBe(false);
  });
});
