export * from './http.client';
export * from './scenario.driver';
export * from './infra.setup';
export * from './bus.access';
export * from './system.runner';
export * from './workload.generator';
export * from './arrival.orders';
