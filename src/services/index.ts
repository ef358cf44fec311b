export { FulfillmentService, type FulfillmentTables, type ShipmentStatus } from './fulfillment-service.js';
export { InventoryService, seedStock, type InventoryTables, type ReservationStatus } from './inventory-service.js';
export { CHANNELS, NotificationService, type Channel, type NotificationTables } from './notification-service.js';
export { OrderService, type OrderStatus, type OrderTables } from './order-service.js';
export { PaymentService, seedAccounts, type ChargeStatus, type PaymentTables } from './payment-service.js';
export { Service } from './service.js';
