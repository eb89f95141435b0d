import test from 'ava';
import { MemoryOrderStore } from '../../shared/adapters/memory/memory-order-store.ts';
import { orderChangesContract } from './order-changes.contract.ts';

orderChangesContract(test, () => new MemoryOrderStore());
