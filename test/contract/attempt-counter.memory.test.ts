import test from 'ava';
import { MemoryAttemptCounter } from '../../shared/adapters/memory/memory-attempt-counter.ts';
import { attemptCounterContract } from './attempt-counter.contract.ts';

attemptCounterContract(test, () => new MemoryAttemptCounter());
