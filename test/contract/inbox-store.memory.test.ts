import test from 'ava';
import { MemoryInboxStore } from '../../shared/adapters/memory/memory-inbox-store.ts';
import { inboxStoreContract } from './inbox-store.contract.ts';

inboxStoreContract(test, () => new MemoryInboxStore());
