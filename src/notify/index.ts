export { planNotification, shouldNotify } from './plan-notification.ts';
export type { Notification, NotificationBody } from './plan-notification.ts';
export { sendNotifications, describeFailedNotification, signBody } from './send-notifications.ts';
export type { Channel, ChannelOutcome } from './send-notifications.ts';
