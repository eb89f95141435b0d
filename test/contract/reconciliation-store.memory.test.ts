import test from 'ava';
import { MemoryReconciliationStore } from '../../shared/adapters/memory/memory-reconciliation-store.ts';
import { reconciliationStoreContract } from './reconciliation-store.contract.ts';

reconciliationStoreContract(test, () => new MemoryReconciliationStore());
