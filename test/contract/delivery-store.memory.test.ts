import test from 'ava';
import { MemoryDeliveryStore } from '../../shared/adapters/memory/memory-delivery-store.ts';
import { deliveryStoreContract } from './delivery-store.contract.ts';

deliveryStoreContract(test, () => new MemoryDeliveryStore());
