/** The lifecycle engine lives in server/jobs so imports can reclassify after applying a file. */
export { loadLifecycleSettings, reclassifyMerchants, type ReclassifyResult } from '../../server/jobs/reclassify';
