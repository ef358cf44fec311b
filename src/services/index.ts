export { FULFILLMENT_SERVICE, type FulfillmentTables, type ShipmentStatus } from './fulfillment-service.js';
export { INVENTORY_SERVICE, seedStock, type InventoryTables, type ReservationStatus } from './inventory-service.js';
export { CHANNELS, NOTIFICATION_SERVICE, type Channel, type NotificationTables } from './notification-service.js';
export { ORDER_SERVICE, type OrderStatus, type OrderTables } from './order-service.js';
export { PAYMENT_SERVICE, seedAccounts, type ChargeStatus, type PaymentTables } from './payment-service.js';
