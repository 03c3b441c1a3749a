/**
 * All widget CSS, scoped to the shadow root. `:host { all: initial !important }` wins over any host-page rule aimed at
 * the host element (important declarations from the inner tree beat the outer one), so nothing inherits in. Only px
 * units: host pages often change the root font size, which would scale rem-based layouts.
 */
export const WIDGET_CSS = `
:host{all:initial!important;display:block!important;position:static!important;width:0!important;height:0!important}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
.root{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"PingFang SC","PingFang TC","Hiragino Sans GB","Microsoft YaHei","Microsoft JhengHei","Noto Sans CJK SC","Noto Sans CJK TC",sans-serif;font-size:14px;line-height:1.45;color:#111827;-webkit-font-smoothing:antialiased;text-align:left}
button,select,textarea{font:inherit;color:inherit;margin:0}
.sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:58px;height:58px;border-radius:50%;border:0;padding:0;cursor:pointer;background:#1f4fd8;color:#fff;box-shadow:0 6px 20px rgba(17,24,39,.28);display:flex;align-items:center;justify-content:center;transition:transform .15s ease,background .15s ease}
.launcher:hover{background:#1a43b8;transform:scale(1.04)}
.launcher:focus-visible,.close:focus-visible,.send:focus-visible,select:focus-visible{outline:3px solid #93b4ff;outline-offset:2px}
.launcher svg{width:28px;height:28px;fill:currentColor}
.badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#e5484d;color:#fff;font-size:12px;font-weight:600;line-height:20px;text-align:center;box-shadow:0 0 0 2px #fff}
.panel{position:fixed;right:20px;bottom:90px;z-index:2147483000;width:380px;height:600px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;border-radius:14px;overflow:hidden;box-shadow:0 12px 48px rgba(17,24,39,.28);border:1px solid rgba(17,24,39,.08)}
.head{display:flex;align-items:center;gap:8px;padding:12px 12px 12px 16px;background:#1f4fd8;color:#fff}
.head-main{flex:1;min-width:0}
.title{margin:0;font-size:16px;font-weight:600;line-height:1.3;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.conn{display:flex;align-items:center;gap:6px;font-size:12px;opacity:.92}
.dot{width:8px;height:8px;border-radius:50%;background:#f5a623;flex:none}
.conn[data-state=online] .dot{background:#34d399}
.conn[data-state=offline] .dot{background:#f87171}
.conn[data-state=online][data-availability=busy] .dot,.conn[data-state=online][data-availability=away] .dot{background:#fbbf24}
.locale{max-width:96px;height:30px;border-radius:6px;border:1px solid rgba(255,255,255,.45);background:rgba(255,255,255,.12);color:#fff;padding:0 4px;font-size:12px;cursor:pointer}
.locale option{color:#111827;background:#fff}
.close{width:32px;height:32px;flex:none;border:0;border-radius:6px;background:transparent;color:#fff;cursor:pointer;font-size:22px;line-height:1}
.close:hover{background:rgba(255,255,255,.16)}
.safety{margin:0;padding:7px 14px;font-size:12px;color:#92400e;background:#fffbeb;border-bottom:1px solid #fde68a}
.announce{margin:0;padding:6px 14px;font-size:12px;color:#991b1b;background:#fef2f2;border-bottom:1px solid #fecaca;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.kb{display:flex;flex-direction:column;gap:4px;padding:8px 12px;border-top:1px solid #e5e7eb;background:#fff}
.kb-title{font-size:12px;color:#6b7280}
.kb-link{display:flex;flex-direction:column;padding:6px 10px;border-radius:8px;border:1px solid #e5e7eb;color:#1f4fd8;text-decoration:none}
.kb-link:hover,.kb-link:focus-visible{background:#f0f4ff;border-color:#93b4ff;outline:none}
.kb-name{font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.kb-snippet{font-size:12px;color:#4b5563;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.messages{flex:1;overflow-y:auto;padding:14px 12px 6px;background:#f6f7f9;display:flex;flex-direction:column;gap:10px;overscroll-behavior:contain}
.messages:focus-visible{outline:2px solid #93b4ff;outline-offset:-2px}
.msg{display:flex;flex-direction:column;max-width:82%;align-self:flex-start}
.msg.customer{align-self:flex-end;align-items:flex-end}
.msg.system{align-self:center;max-width:90%;align-items:center}
.author{font-size:12px;color:#6b7280;margin:0 0 3px 4px}
.bubble{padding:8px 12px;border-radius:14px;background:#fff;border:1px solid #e5e7eb;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;border-top-left-radius:4px}
.customer .bubble{background:#1f4fd8;color:#fff;border-color:#1f4fd8;border-top-left-radius:14px;border-top-right-radius:4px}
.customer[data-pending=true] .bubble{background:#7f9ae6;border-color:#7f9ae6}
.customer.failed .bubble{background:#fff;color:#b91c1c;border-color:#fca5a5}
.system .bubble{background:transparent;border:0;padding:2px 8px;color:#6b7280;font-size:12px;text-align:center}
.meta{font-size:11px;color:#9ca3af;margin:3px 4px 0}
.failed .meta{color:#b91c1c}
.typing{padding:2px 16px 6px;font-size:12px;color:#6b7280;background:#f6f7f9;min-height:20px}
.composer{display:flex;flex-wrap:wrap;align-items:flex-end;gap:8px;padding:10px 12px 12px;border-top:1px solid #e5e7eb;background:#fff}
.input{flex:1;min-width:0;min-height:40px;max-height:132px;resize:none;padding:9px 12px;border-radius:10px;border:1px solid #d1d5db;background:#fff;line-height:1.4;outline:none}
.input:focus{border-color:#1f4fd8;box-shadow:0 0 0 3px rgba(31,79,216,.18)}
.input[aria-invalid=true]{border-color:#dc2626}
.send{height:40px;padding:0 16px;border:0;border-radius:10px;background:#1f4fd8;color:#fff;font-weight:600;cursor:pointer;white-space:nowrap}
.send:disabled{background:#c7d2ee;cursor:not-allowed}
.attach{width:36px;height:40px;flex:none;border:0;border-radius:10px;background:transparent;color:#9ca3af;cursor:pointer;display:flex;align-items:center;justify-content:center;padding:0}
.attach svg{width:20px;height:20px;fill:currentColor}
.attach:focus-visible{outline:3px solid #93b4ff;outline-offset:2px}
.file{display:block;margin-top:4px;color:inherit;text-decoration:underline;word-break:break-all}
.thumb{display:block;max-width:180px;max-height:160px;border-radius:8px;margin-bottom:2px}
.note{flex-basis:100%;font-size:12px;color:#92400e;background:#fffbeb;border:1px solid #fde68a;border-radius:8px;padding:6px 10px}
.counter{flex-basis:100%;font-size:12px;color:#6b7280;text-align:right;margin-top:-2px}
.counter.over{color:#b91c1c;font-weight:600}
@media (max-width:480px){.panel{top:0;right:0;bottom:0;left:0;width:auto;height:auto;max-height:none;border-radius:0;border:0}.root.open .launcher{display:none}.input{font-size:16px}}
@media (prefers-reduced-motion:reduce){.launcher{transition:none}}
`;
