/** The face module's slice of the {@link Store}: sealed templates kept as `backup` / `temporary` devices. */
export interface FaceStore {
  insertFaceTemplate(template: FaceTemplateRecord): Promise<void>;
  /** The user's face templates that are usable at `now` (not expired, temporary ones unused). */
  listFaceTemplates(userId: string, now: Date): Promise<FaceTemplateRecord[]>;
  /**
   * Consume-once for a `temporary` template: deletes it with its device (it is single-use), true
   * for exactly one caller, while unexpired. Backup templates are never consumed.
   */
  useFaceTemplate(deviceId: string, now: Date): Promise<boolean>;
  /** Housekeeping: deletes the devices of `temporary` templates that expired before `now`. @returns how many. */
  deleteExpiredFaceDevices(now: Date): Promise<number>;
  /**
   * Remembers frame fingerprints for `userId`. Atomic per fingerprint (insert-if-absent): true
   * only when every one of them was new, for exactly one of concurrent callers presenting the same
   * one; a repeated fingerprint within `fingerprints` also answers false.
   */
  rememberFaceFrames(userId: string, fingerprints: string[], now: Date): Promise<boolean>;
  /** Housekeeping: forgets fingerprints seen before `cutoff`. @returns how many. */
  forgetFaceFrames(cutoff: Date): Promise<number>;
}

export interface FaceTemplateRecord {
  /** The `backup` or `temporary` device the template is kept as. */
  deviceId: string;
  userId: string;
  /** The template, sealed (the same opaque string the client state carries). */
  sealed: string;
  /** Set for `temporary` templates. */
  expiresAt: Date | null;
  usedAt: Date | null;
}
