export { reconcile, type ReconcileOptions, type ReconcileReport } from './reconcile.js';
export { planRepairs, type MemberDrift, type RepairPlan } from './plan.js';
