/**
 * The Razorpay entities the sandbox keeps, in Razorpay's own field names (snake_case, amounts in paise, times in
 * unix seconds), so what goes over the wire is what the real API sends for the fields the product reads.
 */

export type OrderStatus = 'created' | 'attempted' | 'paid';
export type PaymentStatus = 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
export type RefundStatus = 'pending' | 'processed' | 'failed';
export type RefundProgress = 'partial' | 'full';
export type Notes = Record<string, string>;

export interface RzpOrder {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: 'INR';
  receipt: string | null;
  offer_id: null;
  status: OrderStatus;
  attempts: number;
  notes: Notes;
  created_at: number;
}

export interface RzpPayment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: 'INR';
  status: PaymentStatus;
  order_id: string;
  invoice_id: null;
  international: boolean;
  method: 'upi';
  amount_refunded: number;
  refund_status: RefundProgress | null;
  captured: boolean;
  description: string | null;
  card_id: null;
  bank: null;
  wallet: null;
  vpa: string;
  email: string;
  contact: string;
  notes: Notes;
  fee: number | null;
  tax: number | null;
  error_code: string | null;
  error_description: string | null;
  error_source: string | null;
  error_step: string | null;
  error_reason: string | null;
  acquirer_data: { rrn: string | null };
  created_at: number;
}

export interface RzpRefund {
  id: string;
  entity: 'refund';
  amount: number;
  currency: 'INR';
  payment_id: string;
  notes: Notes;
  receipt: string | null;
  acquirer_data: { arn: string | null };
  created_at: number;
  batch_id: null;
  status: RefundStatus;
  speed_processed: 'normal' | null;
  speed_requested: 'normal' | 'optimum';
}

/** Razorpay sends empty notes as `[]` (a PHP artefact); the sandbox keeps that quirk so clients learn to cope. */
export function wireNotes(notes: Notes): Notes | [] {
  return Object.keys(notes).length === 0 ? [] : { ...notes };
}

/** What the API answers: a copy (callers must not mutate the ledger) with Razorpay's notes quirk applied. */
export function orderView(o: RzpOrder): Omit<RzpOrder, 'notes'> & { notes: Notes | [] } {
  return { ...o, notes: wireNotes(o.notes) };
}

export function paymentView(p: RzpPayment): Omit<RzpPayment, 'notes'> & { notes: Notes | [] } {
  return { ...p, notes: wireNotes(p.notes), acquirer_data: { ...p.acquirer_data } };
}

export function refundView(r: RzpRefund): Omit<RzpRefund, 'notes'> & { notes: Notes | [] } {
  return { ...r, notes: wireNotes(r.notes), acquirer_data: { ...r.acquirer_data } };
}
