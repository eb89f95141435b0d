import test from 'ava';
import { MemoryAccountStore } from '../../shared/adapters/memory/memory-account-store.ts';
import { MemoryAuditLog } from '../../shared/adapters/memory/memory-audit-log.ts';
import { MemoryOrderStore } from '../../shared/adapters/memory/memory-order-store.ts';
import { auditLogContract } from './audit-log.contract.ts';

auditLogContract(test, () => {
  const audit = new MemoryAuditLog();
  return { audit, orders: new MemoryOrderStore(audit), accounts: new MemoryAccountStore(audit) };
});
