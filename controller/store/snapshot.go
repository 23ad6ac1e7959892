package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Account is one account an integration reported, with the entitlements
// it held.
type Account struct {
	// ID is the account's name on the target system.
	ID string `json:"id"`
	// Entitlements are what the account held, sorted.
	Entitlements []string `json:"entitlements"`
}

// CatalogueEntry is one entitlement an integration has reported.
type CatalogueEntry struct {
	// Entitlement is the integration's name for it.
	Entitlement string `json:"entitlement"`
	// Accounts counts the accounts holding it in the latest snapshot; 0
	// for an entitlement seen only on accounts since deleted or changed.
	Accounts int `json:"accounts"`
	// FirstSeen and LastSeen are the times of the first and the latest
	// snapshot that reported it.
	FirstSeen time.Time `json:"firstSeen"`
	LastSeen  time.Time `json:"lastSeen"`
}

// SaveSnapshot records what integration reported at time at: the
// accounts become its latest snapshot and every entitlement they hold
// joins its catalogue, in one transaction. The catalogue only grows: an
// entitlement no account holds any more stays, with a count of 0. A
// snapshot older than the one recorded adds to the catalogue but
// replaces neither the snapshot nor the counts.
func (s *Store) SaveSnapshot(ctx context.Context, integration string, at time.Time, accounts []Account) error {
	op := fmt.Sprintf("save the snapshot of %s", integration)
	if integration == "" {
		return fmt.Errorf("%s: a snapshot needs its integration", op)
	}
	at = s.stamp(at)
	accounts = normalizeAccounts(accounts)
	holders := map[string]int{}
	for _, a := range accounts {
		for _, e := range a.Entitlements {
			holders[e]++
		}
	}
	text, err := json.Marshal(accounts)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return s.write(ctx, op, func(tx *txn) error {
		var last int64
		err := tx.QueryRowContext(ctx, `SELECT at FROM snapshots WHERE integration = ?`, integration).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		latest := errors.Is(err, sql.ErrNoRows) || nanos(at) >= last
		if latest {
			if _, err := tx.ExecContext(ctx, `INSERT INTO snapshots (integration, at, accounts) VALUES (?, ?, ?)
				ON CONFLICT (integration) DO UPDATE SET at = excluded.at, accounts = excluded.accounts`,
				integration, nanos(at), string(text)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE catalogue SET accounts = 0 WHERE integration = ?`, integration); err != nil {
				return err
			}
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO catalogue (integration, entitlement, accounts, first_seen, last_seen)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (integration, entitlement) DO UPDATE SET
				accounts = CASE WHEN ? THEN excluded.accounts ELSE catalogue.accounts END,
				first_seen = CASE WHEN excluded.first_seen < catalogue.first_seen
					THEN excluded.first_seen ELSE catalogue.first_seen END,
				last_seen = CASE WHEN excluded.last_seen > catalogue.last_seen
					THEN excluded.last_seen ELSE catalogue.last_seen END`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range slices.Sorted(maps.Keys(holders)) {
			count := holders[e]
			if !latest {
				count = 0
			}
			if _, err := stmt.ExecContext(ctx, integration, e, count, nanos(at), nanos(at), latest); err != nil {
				return err
			}
		}
		return nil
	})
}

// normalizeAccounts sorts accounts by ID and their entitlements by name,
// merging repeated accounts and dropping repeated or empty entitlements.
func normalizeAccounts(in []Account) []Account {
	byID := map[string][]string{}
	for _, a := range in {
		byID[a.ID] = append(byID[a.ID], a.Entitlements...)
	}
	out := make([]Account, 0, len(byID))
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		ents := slices.DeleteFunc(slices.Clone(byID[id]), func(e string) bool { return strings.TrimSpace(e) == "" })
		out = append(out, Account{ID: id, Entitlements: sortedSet(ents)})
	}
	return out
}

// LastSnapshot returns the latest snapshot of integration: when it was
// taken and its accounts, by ID. The time is zero and the list empty
// when no snapshot was saved.
func (s *Store) LastSnapshot(ctx context.Context, integration string) (time.Time, []Account, error) {
	op := "read the snapshot of " + integration
	var at int64
	var text string
	err := s.queryRow(ctx, `SELECT at, accounts FROM snapshots WHERE integration = ?`, integration).Scan(&at, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil, nil
	}
	if err != nil {
		return time.Time{}, nil, s.fail(op, err)
	}
	var accounts []Account
	if err := json.Unmarshal([]byte(text), &accounts); err != nil {
		return time.Time{}, nil, s.fail(op, err)
	}
	return fromNanos(at), accounts, nil
}

// Catalogue lists every entitlement integration has ever reported, by
// name.
func (s *Store) Catalogue(ctx context.Context, integration string) ([]CatalogueEntry, error) {
	return query(ctx, s, "read the entitlement catalogue of "+integration, func(row scanner) (CatalogueEntry, error) {
		var c CatalogueEntry
		var first, last int64
		err := row.Scan(&c.Entitlement, &c.Accounts, &first, &last)
		c.FirstSeen, c.LastSeen = fromNanos(first), fromNanos(last)
		return c, err
	}, `SELECT entitlement, accounts, first_seen, last_seen FROM catalogue WHERE integration = ? ORDER BY entitlement`, integration)
}
