/**
 * 审计日志: who saw which personal data and who changed what, newest first; searched by who, what, which
 * record, which unit and which days (`org.searchAudit`, paged by cursor), exported as CSV or XLSX
 * (`org.exportAudit`, itself audited) and downloaded from the link it answers. Head office reads the bank, a branch manager its branch.
 */
import React, { useCallback, useEffect, useState } from 'react';
import { Button, DateRangePicker, Input, MessagePlugin, Select, Space, Table } from 'tdesign-react';
import type { PrimaryTableCol } from 'tdesign-react';
import { call, errorText } from '../api';
import type { AuditEntryOut, AuditExportOut, UnitView } from '../../../shared/contracts/org.contract';
import type { Page } from '../../../shared/contracts/common.contract';
import { AUDIT_ACTIONS, AUDIT_ACTION_LABELS, PI_AUDIT_ACTIONS } from '../../../shared/domain/audit.rules';
import { usePagedLoad } from '../ui/use-load';

interface Filter {
  staffId?: string;
  actions?: string[];
  targetId?: string;
  unitId?: string;
  from?: string;
  to?: string;
}

const ACTION_OPTIONS = AUDIT_ACTIONS.map((a) => ({ value: a, label: AUDIT_ACTION_LABELS[a] }));
const clean = (f: Filter): Filter => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))) as Filter;

export default function AuditScreen(): React.ReactElement {
  const [draft, setDraft] = useState<Filter>({});
  const [filter, setFilter] = useState<Filter>({});
  const [exporting, setExporting] = useState(false);
  const [units, setUnits] = useState<UnitView[]>([]);
  const [exported, setExported] = useState<AuditExportOut | null>(null);

  useEffect(() => {
    call<{ items: UnitView[] }>('org', 'listUnits', {}).then((r) => setUnits(r.items.filter((u) => u.kind !== 'grid')), () => undefined);
  }, []);

  const readPage = useCallback((from: string | null) => call<Page<AuditEntryOut>>('org', 'searchAudit', { ...clean(filter), limit: 50, ...(from ? { cursor: from } : {}) }), [filter]);
  const { rows, cursor, loading, more } = usePagedLoad(readPage);

  const exportAs = async (format: 'csv' | 'xlsx') => {
    setExporting(true);
    try {
      const out = await call<AuditExportOut>('org', 'exportAudit', { ...clean(filter), format });
      setExported(out);
      MessagePlugin.success(`已导出 ${out.rows} 条${out.truncated ? '（超出上限，仅含最新部分，请缩小日期范围）' : ''}`);
    } catch (e) {
      MessagePlugin.error(errorText(e));
    } finally {
      setExporting(false);
    }
  };

  const columns: PrimaryTableCol<AuditEntryOut>[] = [
    { colKey: 'at', title: '时间', width: 170, cell: ({ row }) => new Date(row.at).toLocaleString('zh-CN', { hour12: false }) },
    { colKey: 'staffName', title: '操作人', width: 110, cell: ({ row }) => row.staffName ?? row.staffId ?? '系统' },
    { colKey: 'actionLabel', title: '操作', width: 150 },
    { colKey: 'target', title: '对象', cell: ({ row }) => `${row.target.name ?? ''}${row.target.name ? ' ' : ''}(${row.target.collection} ${row.target.id})` },
    { colKey: 'detail', title: '详情', ellipsis: true, cell: ({ row }) => JSON.stringify(row.detail) },
  ];

  return (
    <div className="screen screen-audit">
      <Space style={{ marginBottom: 12 }} breakLine>
        <Select
          placeholder="操作"
          multiple
          clearable
          minCollapsedNum={2}
          options={ACTION_OPTIONS}
          value={draft.actions ?? []}
          onChange={(v) => setDraft({ ...draft, actions: v as string[] })}
          style={{ width: 260 }}
        />
        <Button variant="text" onClick={() => setDraft({ ...draft, actions: [...PI_AUDIT_ACTIONS] })}>只看个人信息</Button>
        <Input placeholder="操作人编号" value={draft.staffId ?? ''} onChange={(v) => setDraft({ ...draft, staffId: String(v) })} clearable style={{ width: 160 }} />
        <Input placeholder="对象编号（商户、人员…）" value={draft.targetId ?? ''} onChange={(v) => setDraft({ ...draft, targetId: String(v) })} clearable style={{ width: 200 }} />
        <Select placeholder="单元" clearable filterable options={units.map((u) => ({ value: u.id, label: u.name }))} value={draft.unitId} onChange={(v) => setDraft({ ...draft, unitId: (v as string) || undefined })} style={{ width: 180 }} />
        <DateRangePicker
          value={draft.from && draft.to ? [draft.from, draft.to] : []}
          valueType="YYYY-MM-DD"
          onChange={(v) => {
            const [from, to] = (v as string[]) ?? [];
            setDraft({ ...draft, from: from || undefined, to: to || undefined });
          }}
          clearable
        />
        <Button onClick={() => setFilter({ ...draft })}>查询</Button>
        <Button variant="outline" loading={exporting} onClick={() => exportAs('xlsx')}>导出 Excel</Button>
        <Button variant="outline" loading={exporting} onClick={() => exportAs('csv')}>导出 CSV</Button>
      </Space>
      {exported && (
        <div className="c-job c-audit-export" style={{ marginBottom: 12 }}>
          已导出 {exported.rows} 条{exported.truncated ? '（超出上限，仅含最新部分）' : ''}：
          {exported.url ? (
            <a className="c-download" href={exported.url} download={exported.fileName}>
              下载 {exported.fileName}
            </a>
          ) : (
            '文件已生成，链接暂不可用'
          )}
        </div>
      )}
      <Table rowKey="id" data={rows} columns={columns} loading={loading} size="small" hover />
      {cursor && (
        <Button variant="text" onClick={() => void more()} loading={loading}>加载更多</Button>
      )}
    </div>
  );
}
