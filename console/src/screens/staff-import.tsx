/**
 * 人员批量导入: drop an XLSX (or CSV) of staff, see every row checked (a dry run of `org.importStaff`, the
 * problems named by row and column), import it (all rows or none; a retry with the same request creates no
 * one twice), then print the binding codes as a sheet of QR codes. The codes are shown once: print before
 * leaving the screen.
 */
import React, { useState } from 'react';
import { Alert, Button, MessagePlugin, Space, Table, Tag } from 'tdesign-react';
import type { PrimaryTableCol } from 'tdesign-react';
import { toDataURL } from 'qrcode';
import { CallError, call, errorText } from '../api';
import type { StaffImportReport, StaffImportRowOut, StaffImportTemplate } from '../../../shared/contracts/org.contract';
import { staffImportSizeProblem } from '../../../shared/domain/staff-import.rules';
import { PrintSheet } from '../ui/code-sheet';
import { downloadBase64, fileBase64, requestId, roleLabel } from '../ui/console-helpers';

const STATUS: Record<StaffImportRowOut['status'], { label: string; theme: 'default' | 'success' | 'danger' | 'primary' }> = {
  invalid: { label: '有误', theme: 'danger' },
  ready: { label: '可导入', theme: 'primary' },
  created: { label: '已创建', theme: 'success' },
  existing: { label: '此前已创建', theme: 'default' },
};

const COLUMN_LABELS: Record<string, string> = { name: '姓名', mobile: '手机号', role: '角色', unit: '所属单元', grids: '负责网格', file: '文件' };

export default function StaffImportScreen(): React.ReactElement {
  const [file, setFile] = useState<{ name: string; base64: string } | null>(null);
  const [reqId, setReqId] = useState(requestId);
  const [report, setReport] = useState<StaffImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sheet, setSheet] = useState<{ row: StaffImportRowOut; qr: string }[]>([]);
  const [dragging, setDragging] = useState(false);

  const pick = async (f: File | undefined) => {
    if (!f) return;
    // Refused here, before the file is read or sent: the function would refuse it the same.
    const tooBig = staffImportSizeProblem(f.size);
    if (tooBig) {
      setFile(null);
      setReport(null);
      setSheet([]);
      return setProblem(tooBig);
    }
    const next = { name: f.name, base64: await fileBase64(f) };
    const id = requestId();
    setFile(next);
    setReqId(id);
    setSheet([]);
    await run(next.base64, id, true);
  };

  /** A dry run checks every row; the import writes them (or, with any bad row, nothing). */
  const run = async (base64: string, id: string, dryRun: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      const out = await call<StaffImportReport>('org', 'importStaff', { requestId: id, file: base64, dryRun });
      setReport(out);
      if (!dryRun) {
        MessagePlugin.success(`已导入 ${out.created} 人${out.existing ? `，${out.existing} 人此前已创建` : ''}`);
        const withCode = out.rows.filter((r) => r.bindUrl);
        setSheet(await Promise.all(withCode.map(async (row) => ({ row, qr: await toDataURL(row.bindUrl!, { width: 240, margin: 1, errorCorrectionLevel: 'M' }) }))));
      }
    } catch (e) {
      const refused = e instanceof CallError ? (e.details?.report as StaffImportReport | undefined) : undefined;
      if (refused) setReport(refused);
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const template = async () => {
    try {
      const t = await call<StaffImportTemplate>('org', 'staffImportTemplate', {});
      downloadBase64(t.base64, t.fileName, t.contentType);
    } catch (e) {
      MessagePlugin.error(errorText(e));
    }
  };

  const columns: PrimaryTableCol<StaffImportRowOut>[] = [
    { colKey: 'row', title: '行', width: 60 },
    { colKey: 'status', title: '结果', width: 100, cell: ({ row }) => <Tag theme={STATUS[row.status].theme}>{STATUS[row.status].label}</Tag> },
    { colKey: 'name', title: '姓名', width: 100 },
    { colKey: 'mobile', title: '手机号', width: 130 },
    { colKey: 'role', title: '角色', width: 90, cell: ({ row }) => roleLabel(row.role) },
    { colKey: 'unitName', title: '所属单元' },
    { colKey: 'gridNames', title: '负责网格', cell: ({ row }) => row.gridNames.join('、') },
    {
      colKey: 'issues',
      title: '问题',
      cell: ({ row }) => (
        <div className="issues">
          {row.issues.map((i, n) => (
            <div key={n} style={{ color: 'var(--td-error-color)' }}>{COLUMN_LABELS[i.field] ?? i.field}：{i.message}</div>
          ))}
        </div>
      ),
    },
  ];

  return (
    <div className="screen screen-staff-import">
      <Space style={{ marginBottom: 12 }}>
        <Button variant="outline" onClick={template}>下载导入模板</Button>
        {report && file && report.invalid === 0 && sheet.length === 0 && (
          <Button theme="primary" loading={busy} onClick={() => run(file.base64, reqId, false)}>导入 {report.valid} 人</Button>
        )}
        {sheet.length > 0 && <Button onClick={() => window.print()}>打印绑定码</Button>}
      </Space>
      <label
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        style={{ display: 'block', border: '2px dashed var(--td-border-level-2-color, #ccc)', borderRadius: 8, padding: 32, textAlign: 'center', cursor: 'pointer', marginBottom: 12 }}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void pick(e.dataTransfer.files[0]);
        }}
      >
        <input type="file" accept=".xlsx,.csv" hidden onChange={(e) => void pick(e.target.files?.[0])} />
        {file ? `${file.name}（重新选择或拖入另一个文件）` : '把填好的人员表（XLSX 或 CSV）拖到这里，或点击选择文件'}
      </label>
      {problem && <Alert theme="error" message={problem} style={{ marginBottom: 12 }} />}
      {report && (
        <>
          <p>
            共 {report.total} 行：{report.valid} 行可导入，{report.invalid} 行有误{report.created ? `；已创建 ${report.created} 人` : ''}
            {report.invalid > 0 ? '。请修改文件后重新拖入（有误时整个文件都不会导入）。' : ''}
          </p>
          <Table rowKey="row" data={report.rows} columns={columns} size="small" loading={busy} maxHeight={480} />
        </>
      )}
      {sheet.length > 0 && <CodeSheet items={sheet} />}
      <PrintSheet
        cards={sheet.map(({ row, qr }) => ({ key: String(row.row), name: row.name, role: roleLabel(row.role), unit: row.unitName ?? '', code: row.bindCode ?? '', qr, expiresAt: row.bindCodeExpiresAt ?? null }))}
      />
    </div>
  );
}

/** The codes on screen: one card per new staff member with name, unit, code and its QR code (printed by PrintSheet). */
function CodeSheet(props: { items: { row: StaffImportRowOut; qr: string }[] }): React.ReactElement {
  return (
    <div className="code-sheet" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))', gap: 12, marginTop: 16 }}>
      {props.items.map(({ row, qr }) => (
        <div key={row.row} className="code-card" style={{ border: '1px solid #ddd', borderRadius: 6, padding: 8, textAlign: 'center', breakInside: 'avoid' }}>
          <img src={qr} alt={`${row.name} 的绑定码`} width={160} height={160} />
          <div><strong>{row.name}</strong> · {roleLabel(row.role)}</div>
          <div>{row.unitName}</div>
          <div style={{ fontFamily: 'monospace', fontSize: 18, letterSpacing: 2 }}>{row.bindCode}</div>
          <div style={{ fontSize: 12 }}>有效期至 {row.bindCodeExpiresAt ? new Date(row.bindCodeExpiresAt).toLocaleString('zh-CN') : ''}</div>
        </div>
      ))}
    </div>
  );
}
