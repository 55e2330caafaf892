import type { MigrationPart } from '../module.js';

/**
 * The tables of this module, as its parts of the schema's migrations (joined with other modules'
 * parts of the same version by `storage/sql/migrations.ts`). Append only: never edit a part that
 * has shipped; add one with the next version.
 */
export const migrations: readonly MigrationPart[] = [
  {
    version: 4,
    name: 'face-templates',
    creates: ['face_templates'],
    sql: `
CREATE TABLE face_templates (
  device_id   text PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  sealed      text NOT NULL,
  expires_at  timestamptz,
  used_at     timestamptz
);
CREATE INDEX face_templates_user_idx ON face_templates (user_id);
`,
  },
  {
    version: 7,
    name: 'face-frames-seen',
    creates: ['face_frames_seen'],
    sql: `
-- Keyed fingerprints (HMAC-SHA256) of the evidence frames face checks received: a real camera
-- never delivers the same bytes twice, so a frame seen before is a replay. Only the MAC is kept
-- (never an image or anything biometric); rows are swept after 30 days. No foreign key: checks
-- for an id that is no user's are remembered alike (else a repeat would tell them apart).
CREATE TABLE face_frames_seen (
  fingerprint text PRIMARY KEY,
  user_id     text NOT NULL,
  seen_at     timestamptz NOT NULL
);
CREATE INDEX face_frames_seen_at_idx ON face_frames_seen (seen_at);
`,
  },
];
