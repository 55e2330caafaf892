/**
 * The device-keys module's slice of the {@link Store}: the public halves of browsers' device keys
 * (non-extractable ECDSA P-256 keys kept in IndexedDB), each bound to a user's passkey device.
 */
export interface DeviceKeysStore {
  /**
   * Binds a key to `record.deviceId`, or re-binds the same key of the same user (a later passkey
   * sign-in in the same browser), possibly to another of their devices; either way the key counts
   * as bound at `record.createdAt` (for {@link pruneDeviceKeys}). One statement. False, and no
   * change, when the key id is another user's.
   */
  upsertDeviceKey(record: DeviceKeyRecord): Promise<boolean>;
  /**
   * Leaves `deviceId` at most `keep` keys: `exceptKeyId` (the key just bound) and the others
   * most recently bound or used. One statement (binds committing at the same moment can leave a
   * few more until the next prune). @returns how many it deleted.
   */
  pruneDeviceKeys(options: { deviceId: string; keep: number; exceptKeyId: string }): Promise<number>;
  /** The key, or null. */
  getDeviceKey(keyId: string): Promise<DeviceKeyRecord | null>;
  /** Records a successful proof. */
  touchDeviceKey(keyId: string, at: Date): Promise<void>;
}

export interface DeviceKeyRecord {
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key. */
  keyId: string;
  userId: string;
  /** The passkey device it is bound to: removing the device removes the key. */
  deviceId: string;
  publicJwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  createdAt: Date;
  lastUsedAt: Date | null;
}
