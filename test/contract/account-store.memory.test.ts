import test from 'ava';
import { MemoryAccountStore } from '../../shared/adapters/memory/memory-account-store.ts';
import { accountStoreContract } from './account-store.contract.ts';

accountStoreContract(test, () => new MemoryAccountStore());
