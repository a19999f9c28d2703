/**
 * 人员管理: the staff in the caller's scope (head office the bank, a branch manager its branch), searched
 * by name on the loaded pages, filtered by unit, role and status; create, disable/enable, move, change role,
 * and issue or re-issue a binding code (shown once, as text and QR). Every rule is the `org` function's.
 */
import React, { useCallback, useEffect, useMemo, useState } from 'react';
import { Button, Dialog, Form, Input, MessagePlugin, Select, Space, Table, Tag } from 'tdesign-react';
import type { PrimaryTableCol } from 'tdesign-react';
import { call, errorText } from '../api';
import type { BindCodeOutput, StaffOut, UnitView } from '../../../shared/contracts/org.contract';
import type { Page } from '../../../shared/contracts/common.contract';
import { PrintSheet } from '../ui/code-sheet';
import { usePagedLoad } from '../ui/use-load';
import { ROLE_OPTIONS, requestId, roleLabel, unitIndex } from '../ui/console-helpers';

type Editing = { kind: 'create' } | { kind: 'move' | 'role'; staff: StaffOut } | null;

export default function StaffScreen(): React.ReactElement {
  const [units, setUnits] = useState<UnitView[]>([]);
  const [filter, setFilter] = useState<{ unitId?: string; role?: string; status?: string }>({});
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<Editing>(null);
  const [code, setCode] = useState<BindCodeOutput | null>(null);
  const index = useMemo(() => unitIndex(units), [units]);

  useEffect(() => {
    call<{ items: UnitView[] }>('org', 'listUnits', {}).then((r) => setUnits(r.items), (e) => MessagePlugin.error(errorText(e)));
  }, []);

  const readPage = useCallback((from: string | null) => call<Page<StaffOut>>('org', 'listStaff', { ...filter, limit: 50, ...(from ? { cursor: from } : {}) }), [filter]);
  const { rows, setRows, cursor, loading, more } = usePagedLoad(readPage);

  const replace = (s: StaffOut) => setRows((prev) => prev.map((r) => (r.id === s.id ? s : r)));
  const act = async (action: string, data: object) => {
    try {
      const out = await call<StaffOut | BindCodeOutput>('org', action, data);
      if ('bindCode' in out) {
        replace(out.staff);
        setCode(out);
      } else replace(out);
      MessagePlugin.success('已完成');
    } catch (e) {
      MessagePlugin.error(errorText(e));
    }
  };

  const shown = search.trim() ? rows.filter((r) => r.name.includes(search.trim()) || (r.mobile ?? '').includes(search.trim())) : rows;
  const columns: PrimaryTableCol<StaffOut>[] = [
    { colKey: 'name', title: '姓名', width: 100 },
    { colKey: 'role', title: '角色', width: 90, cell: ({ row }) => roleLabel(row.role) },
    { colKey: 'unitId', title: '所属单元', cell: ({ row }) => index.name(row.unitId) },
    { colKey: 'gridIds', title: '负责网格', cell: ({ row }) => row.gridIds.map(index.name).join('、') },
    { colKey: 'mobile', title: '手机号', width: 130 },
    { colKey: 'isBound', title: '微信', width: 90, cell: ({ row }) => (row.isBound ? <Tag theme="success">已绑定</Tag> : <Tag>未绑定</Tag>) },
    { colKey: 'status', title: '状态', width: 90, cell: ({ row }) => (row.status === 'active' ? <Tag theme="primary">在职</Tag> : <Tag theme="danger">已停用</Tag>) },
    {
      colKey: 'op',
      title: '操作',
      width: 320,
      cell: ({ row }) => (
        <Space size="small">
          <Button size="small" variant="text" onClick={() => setEditing({ kind: 'move', staff: row })}>调动</Button>
          <Button size="small" variant="text" onClick={() => setEditing({ kind: 'role', staff: row })}>改角色</Button>
          {!row.isBound && row.status === 'active' && (
            <Button size="small" variant="text" onClick={() => act('issueBindCode', { staffId: row.id })}>{row.bindCodeExpiresAt ? '重新签发绑定码' : '签发绑定码'}</Button>
          )}
          {row.status === 'active' ? (
            <Button size="small" variant="text" theme="danger" onClick={() => act('disableStaff', { staffId: row.id })}>停用</Button>
          ) : (
            <Button size="small" variant="text" onClick={() => act('enableStaff', { staffId: row.id })}>启用</Button>
          )}
        </Space>
      ),
    },
  ];
  const unitOptions = units.map((u) => ({ value: u.id, label: u.name }));

  return (
    <div className="screen screen-staff">
      <Space style={{ marginBottom: 12 }} breakLine>
        <Input placeholder="按姓名或手机号后四位查找" value={search} onChange={(v) => setSearch(String(v))} clearable style={{ width: 220 }} />
        <Select placeholder="单元" clearable filterable options={unitOptions} value={filter.unitId} onChange={(v) => setFilter({ ...filter, unitId: (v as string) || undefined })} style={{ width: 200 }} />
        <Select placeholder="角色" clearable options={ROLE_OPTIONS} value={filter.role} onChange={(v) => setFilter({ ...filter, role: (v as string) || undefined })} style={{ width: 140 }} />
        <Select placeholder="状态" clearable options={[{ value: 'active', label: '在职' }, { value: 'disabled', label: '已停用' }]} value={filter.status} onChange={(v) => setFilter({ ...filter, status: (v as string) || undefined })} style={{ width: 120 }} />
        <Button onClick={() => setEditing({ kind: 'create' })}>新建人员</Button>
      </Space>
      <Table rowKey="id" data={shown} columns={columns} loading={loading} size="small" hover />
      {cursor && (
        <Button variant="text" onClick={() => void more()} loading={loading}>加载更多</Button>
      )}
      {editing && (
        <EditDialog
          editing={editing}
          units={units}
          onClose={() => setEditing(null)}
          onDone={(out) => {
            setEditing(null);
            if ('bindCode' in out) {
              setRows((prev) => [out.staff, ...prev]);
              setCode(out);
            } else replace(out);
          }}
        />
      )}
      <Dialog header="绑定码（只显示这一次）" visible={Boolean(code)} onClose={() => setCode(null)} footer={<Button onClick={() => window.print()}>打印</Button>}>
        {code && (
          <div className="bind-code">
            <p>{code.staff.name}：<strong style={{ fontSize: 20, letterSpacing: 2 }}>{code.bindCode}</strong></p>
            <img src={code.bindCodeQr} alt="绑定码二维码" width={200} height={200} />
            <p>有效期至 {new Date(code.bindCodeExpiresAt).toLocaleString('zh-CN')}；在小程序登录页扫码或输入绑定码。</p>
          </div>
        )}
      </Dialog>
      <PrintSheet
        cards={code ? [{ key: code.staff.id, name: code.staff.name, role: roleLabel(code.staff.role), unit: index.name(code.staff.unitId), code: code.bindCode, qr: code.bindCodeQr, expiresAt: code.bindCodeExpiresAt }] : []}
      />
    </div>
  );
}

/** Create a staff member, move one, or change one's role. */
function EditDialog(props: { editing: Exclude<Editing, null>; units: UnitView[]; onClose(): void; onDone(out: StaffOut | BindCodeOutput): void }): React.ReactElement {
  const { editing, units } = props;
  const staff = editing.kind === 'create' ? null : editing.staff;
  const [name, setName] = useState('');
  const [mobile, setMobile] = useState('');
  const [role, setRole] = useState<string>(staff?.role ?? 'member');
  const [unitId, setUnitId] = useState<string>(staff?.unitId ?? '');
  const [gridIds, setGridIds] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [id] = useState(requestId);
  const title = editing.kind === 'create' ? '新建人员' : editing.kind === 'move' ? `调动 ${staff!.name}` : `变更 ${staff!.name} 的角色`;
  const unitOptions = units.filter((u) => u.kind !== 'bank').map((u) => ({ value: u.id, label: `${u.name}（${u.kind === 'branch' ? '支行' : u.kind === 'group' ? '网格组' : '网格'}）` }));
  const gridOptions = units.filter((u) => u.kind === 'grid').map((u) => ({ value: u.id, label: u.name }));
  const submit = async () => {
    setBusy(true);
    try {
      const out =
        editing.kind === 'create'
          ? await call<BindCodeOutput>('org', 'createStaff', { id, name, mobile, role, unitId, gridIds })
          : editing.kind === 'move'
            ? await call<StaffOut>('org', 'moveStaff', { staffId: staff!.id, unitId, ...(reason ? { reason } : {}) })
            : await call<StaffOut>('org', 'changeRole', { staffId: staff!.id, role, ...(reason ? { reason } : {}) });
      props.onDone(out);
    } catch (e) {
      MessagePlugin.error(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog header={title} visible onClose={props.onClose} onConfirm={submit} confirmBtn={{ content: '确定', loading: busy }}>
      <Form labelWidth={80}>
        {editing.kind === 'create' && (
          <>
            <Form.FormItem label="姓名"><Input value={name} onChange={(v) => setName(String(v))} maxlength={20} /></Form.FormItem>
            <Form.FormItem label="手机号"><Input value={mobile} onChange={(v) => setMobile(String(v))} /></Form.FormItem>
          </>
        )}
        {editing.kind !== 'move' && (
          <Form.FormItem label="角色"><Select options={ROLE_OPTIONS} value={role} onChange={(v) => setRole(v as string)} /></Form.FormItem>
        )}
        {editing.kind !== 'role' && (
          <Form.FormItem label="所属单元"><Select filterable options={unitOptions} value={unitId} onChange={(v) => setUnitId(v as string)} /></Form.FormItem>
        )}
        {editing.kind === 'create' && (
          <Form.FormItem label="负责网格"><Select multiple filterable options={gridOptions} value={gridIds} onChange={(v) => setGridIds(v as string[])} /></Form.FormItem>
        )}
        {editing.kind !== 'create' && (
          <Form.FormItem label="原因"><Input value={reason} onChange={(v) => setReason(String(v))} maxlength={200} /></Form.FormItem>
        )}
      </Form>
    </Dialog>
  );
}
