// Command ferretdb-embedded runs FerretDB's embeddable package with the SQLite handler, so the
// test suite and the demo have a MongoDB wire-protocol server without a mongod binary.
//
// It is built as a program of this small module (not `go install`ed from FerretDB itself)
// because FerretDB's own main refuses to start without release metadata that only its
// release build generates.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("sqlite-dir", "", "directory holding the SQLite databases")
	idIndex := flag.Bool("id-index", false, "add the index FerretDB's _id lookups need (see indexIDs)")
	flag.Parse()

	if *dir == "" {
		fmt.Fprintln(os.Stderr, "-sqlite-dir is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	if *idIndex {
		go indexIDs(ctx, *dir, 100*time.Millisecond, logger)
	}

	go func() {
		// Printed once the listener is up: the parent waits for this line.
		fmt.Println("ready", f.MongoDBURI())
	}()

	if err := f.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// indexIDs works around FerretDB v1.24's SQLite back end, whose `_id` filter pushdown compares
// `_ferretdb_sjson->'$._id'` while the unique `_id_` index it creates is on
// `_ferretdb_sjson->"_id"`: SQLite does not see the two as the same expression, so every read by
// `_id` scans the whole table (EXPLAIN QUERY PLAN says SCAN). Every `every`, each collection
// table without one gets an index on the pushdown's own expression, so reads by `_id` become index
// searches as on MongoDB. Tables are caught while they are still small (a poll after their
// creation); SQLite's busy timeout covers the short write lock. Opt-in: only the benchmark
// asks for it, the test suite runs on FerretDB as it ships.
func indexIDs(ctx context.Context, dir string, every time.Duration, logger *slog.Logger) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			if err := indexFile(ctx, file); err != nil && ctx.Err() == nil {
				logger.Warn("id index", "file", filepath.Base(file), "error", err)
			}
		}
	}
}

const idIndexSuffix = "_kg_id_pushdown"

func indexFile(ctx context.Context, file string) error {
	// mode=rw: never create a database FerretDB has just dropped.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT t.name FROM sqlite_master t
		WHERE t.type = 'table' AND t.sql LIKE '%_ferretdb_sjson%'
		AND NOT EXISTS (SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.name = t.name || ?)`, idIndexSuffix)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, name)
	}
	rows.Close()
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+idIndexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
