/** The devices module's slice of the {@link Store}. */
export interface DevicesStore {
  insertDevice(device: DeviceRecord): Promise<void>;
  getDevice(userId: string, deviceId: string): Promise<DeviceRecord | null>;
  listDevices(userId: string): Promise<DeviceRecord[]>;
  /** @returns false when no such device belongs to the user. */
  renameDevice(userId: string, deviceId: string, name: string): Promise<boolean>;
  /** Deletes the device and whatever hangs off it (its passkey, its face template). @returns false when absent. */
  deleteDevice(userId: string, deviceId: string): Promise<boolean>;
  touchDevice(deviceId: string, at: Date): Promise<void>;
}

import type { DeviceType } from '@twofold/protocol';

export type { DeviceType } from '@twofold/protocol';

export interface DeviceRecord {
  id: string;
  userId: string;
  type: DeviceType;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}
