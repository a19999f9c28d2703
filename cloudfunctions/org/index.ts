/** Cloud function `org`: the unit tree, markets, WeChat groups and staff management. */
import { createMain } from '../../server';
import { assignGrids } from './actions/assign-grids.action';
import { changeRole } from './actions/change-role.action';
import { createMarket } from './actions/create-market.action';
import { createStaff } from './actions/create-staff.action';
import { createUnit } from './actions/create-unit.action';
import { createWechatGroup } from './actions/create-wechat-group.action';
import { disableStaff, enableStaff } from './actions/disable-staff.action';
import { getStaff } from './actions/get-staff.action';
import { getUnit } from './actions/get-unit.action';
import { issueBindCode } from './actions/issue-bind-code.action';
import { listMarkets } from './actions/list-markets.action';
import { listStaff } from './actions/list-staff.action';
import { listUnits } from './actions/list-units.action';
import { listWechatGroups } from './actions/list-wechat-groups.action';
import { moveStaff } from './actions/move-staff.action';
import { setExtraScope } from './actions/set-extra-scope.action';
import { unbindStaff } from './actions/unbind-staff.action';
import { updateMarket } from './actions/update-market.action';
import { updateUnit } from './actions/update-unit.action';

export const main = createMain(
  {
    listUnits,
    getUnit,
    createUnit,
    updateUnit,
    listMarkets,
    createMarket,
    updateMarket,
    listWechatGroups,
    createWechatGroup,
    createStaff,
    issueBindCode,
    unbindStaff,
    moveStaff,
    assignGrids,
    changeRole,
    setExtraScope,
    disableStaff,
    enableStaff,
    listStaff,
    getStaff,
  },
  'org',
);
