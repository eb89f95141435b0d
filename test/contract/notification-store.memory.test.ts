import test from 'ava';
import { MemoryNotificationStore } from '../../shared/adapters/memory/memory-notification-store.ts';
import { notificationStoreContract } from './notification-store.contract.ts';

notificationStoreContract(test, () => new MemoryNotificationStore());
