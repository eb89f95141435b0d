import test from 'ava';
import { MemoryOrderStore } from '../../shared/adapters/memory/memory-order-store.ts';
import { orderStoreContract } from './order-store.contract.ts';

orderStoreContract(test, () => new MemoryOrderStore());
