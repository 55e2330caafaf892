/** The users module's slice of the {@link Store}. */
export interface UsersStore {
  insertUser(user: UserRecord): Promise<void>;
  getUserById(id: string): Promise<UserRecord | null>;
  getUserByUsername(username: string): Promise<UserRecord | null>;
}

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  createdAt: Date;
}
