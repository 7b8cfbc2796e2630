/**
 * The Python script a pod runs to turn ai-toolkit's `loss_log.db` (SQLite, written with `logging.use_ui_logger`:
 * tables `steps`, `metrics(step, key, value_real, value_text)`, keys `loss/loss` and `learning_rate`) into
 * `training_metrics.jsonl` lines shaped like SimpleTuner's (`{"step":N,"metrics":{"train_loss":...,
 * "learning_rate":...}}`), so both engines' losses are read, charted and compared the same way. Python's own sqlite3
 * module reads the WAL-mode database while ai-toolkit writes it.
 */
export const aiToolkitMetricsScript = `import glob, json, sqlite3, sys
paths = sorted(glob.glob(sys.argv[1] + "/*/loss_log.db"))
if not paths:
    sys.exit(0)
db = sqlite3.connect("file:" + paths[0] + "?mode=ro", uri=True)
rows = db.execute(
    "SELECT m.step, m.value_real, (SELECT l.value_real FROM metrics l WHERE l.step = m.step AND l.key = 'learning_rate')"
    " FROM metrics m WHERE m.key = 'loss/loss' ORDER BY m.step"
).fetchall()
for step, loss, lr in rows:
    metrics = {"train_loss": loss}
    if lr is not None:
        metrics["learning_rate"] = lr
    print(json.dumps({"step": step, "metrics": metrics}))
`;
