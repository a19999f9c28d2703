/** Cloud function `org`: the unit tree, markets, WeChat groups, staff management and notices (通知), the audit log. */
import { createMain } from '../../server';
import { assignGrids } from './actions/assign-grids.action';
import { changeRole } from './actions/change-role.action';
import { createMarket } from './actions/create-market.action';
import { createStaff } from './actions/create-staff.action';
import { createUnit } from './actions/create-unit.action';
import { createWechatGroup } from './actions/create-wechat-group.action';
import { disableStaff, enableStaff } from './actions/disable-staff.action';
import { exportAudit } from './actions/export-audit.action';
import { getStaff } from './actions/get-staff.action';
import { getUnit } from './actions/get-unit.action';
import { importStaff } from './actions/import-staff.action';
import { issueBindCode } from './actions/issue-bind-code.action';
import { listMarkets } from './actions/list-markets.action';
import { listStaff } from './actions/list-staff.action';
import { listUnits } from './actions/list-units.action';
import { listWechatGroups } from './actions/list-wechat-groups.action';
import { moveStaff } from './actions/move-staff.action';
import { myNotices } from './actions/my-notices.action';
import { previewBoundary } from './actions/preview-boundary.action';
import { postNotice } from './actions/post-notice.action';
import { readNotice } from './actions/read-notice.action';
import { renameWechatGroup } from './actions/rename-wechat-group.action';
import { searchAudit } from './actions/search-audit.action';
import { sentNotices } from './actions/sent-notices.action';
import { saveBoundary } from './actions/save-boundary.action';
import { setExtraScope } from './actions/set-extra-scope.action';
import { staffImportTemplate } from './actions/staff-import-template.action';
import { unbindStaff } from './actions/unbind-staff.action';
import { updateMarket } from './actions/update-market.action';
import { updateUnit } from './actions/update-unit.action';

export const main = createMain(
  {
    listUnits,
    getUnit,
    createUnit,
    updateUnit,
    previewBoundary,
    saveBoundary,
    listMarkets,
    createMarket,
    updateMarket,
    listWechatGroups,
    createWechatGroup,
    renameWechatGroup,
    createStaff,
    issueBindCode,
    importStaff,
    staffImportTemplate,
    unbindStaff,
    moveStaff,
    assignGrids,
    changeRole,
    setExtraScope,
    disableStaff,
    enableStaff,
    listStaff,
    getStaff,
    postNotice,
    myNotices,
    readNotice,
    sentNotices,
    searchAudit,
    exportAudit,
  },
  'org',
);
