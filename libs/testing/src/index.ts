export * from './http-client';
export * from './scenario-driver';
export * from './infra';
export * from './system';
export * from './workload';
export * from './orders';
