export { FULFILLMENT_SNAPSHOT, fulfillmentService, type ShipmentStatus } from './fulfillment-service.js';
export { INVENTORY_SERVICE, INVENTORY_SNAPSHOT, seedStock, type ReservationStatus } from './inventory-service.js';
export { CHANNELS, NOTIFICATION_SERVICE, NOTIFICATION_SNAPSHOT, notificationService, type Channel } from './notification-service.js';
export { ORDER_SERVICE, ORDER_SNAPSHOT, seedCustomers, type OrderStatus } from './order-service.js';
export { PAYMENT_SERVICE, PAYMENT_SNAPSHOT, paymentService, seedAccounts, type ChargeStatus } from './payment-service.js';
