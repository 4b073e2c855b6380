export interface SignInAttemptsTable {
  account: string;
  attempts: number;
  locked_until: Date;
  expires_at: Date;
}
