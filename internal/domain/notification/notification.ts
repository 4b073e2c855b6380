/** A message to a user, as the Notifier is asked to send it. */
export interface NotificationMessage {
  /** One message per key, however often it is sent (a job that runs twice sends once). */
  readonly dedupeKey: string;
  readonly recipientUserId: string;
  /** What the message is about, such as `order-confirmation`. */
  readonly topic: string;
  readonly subject: string;
  readonly body: string;
  readonly orderId?: string | undefined;
}

/** A message that was sent. */
export interface Notification extends NotificationMessage {
  readonly id: string;
  readonly createdAt: Date;
}
