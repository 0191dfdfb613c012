import type Database from 'better-sqlite3';

/**
 * Schema migrations, applied in order; the database's `PRAGMA user_version` is the number of
 * steps already applied. Append new steps, never edit a released one: journals written by older
 * fleetdeck versions are upgraded in place.
 *
 * Times are epoch milliseconds (INTEGER): range scans and downtime arithmetic stay in SQL.
 */
export const migrations: readonly string[] = [
	// 1: events.
	`CREATE TABLE events (
		id INTEGER PRIMARY KEY,
		at INTEGER NOT NULL,
		host TEXT NOT NULL,
		kind TEXT NOT NULL,
		account TEXT,
		component TEXT,
		pid INTEGER,
		level TEXT NOT NULL,
		message TEXT NOT NULL,
		detail TEXT
	);
	CREATE INDEX events_at ON events (at);`,
	// 2: health samples, and the covering index `report` reads in time order, one component at a time.
	`CREATE TABLE samples (
		account TEXT NOT NULL,
		at INTEGER NOT NULL,
		levels INTEGER NOT NULL,
		latency_ms INTEGER,
		PRIMARY KEY (account, at)
	) WITHOUT ROWID;
	CREATE INDEX events_component_at ON events (component, at, kind, account);`,
];

export const schemaVersion = migrations.length;

/** The journal file was written by a newer fleetdeck; it is left untouched. */
export class NewerSchemaError extends Error {
	override name = 'NewerSchemaError';
}

/**
 * Bring the schema up to `schemaVersion`. Several processes may open a new journal at once, so
 * the version is read again inside an IMMEDIATE transaction (which waits for the write lock) and
 * only the steps still missing are applied.
 */
export function migrate(db: Database.Database): void {
	const version = () => db.pragma('user_version', {simple: true}) as number;
	if (version() === schemaVersion) {
		return;
	}

	db.transaction(() => {
		const current = version();
		if (current > schemaVersion) {
			throw new NewerSchemaError(`schema version ${current} is newer than this fleetdeck understands (${schemaVersion}); upgrade fleetdeck`);
		}

		for (const step of migrations.slice(current)) {
			db.exec(step);
		}

		db.pragma(`user_version = ${schemaVersion}`);
	}).immediate();
}
