"""Class sessions: a teacher's class joins by code, predicts, and sees the model's answer.

`classroom.store.Store` is the API (classes, students, posed questions, answers, stages, CSV
export, expiry); `classroom.db` opens the database (SQLite file by default, PostgreSQL when
`CUBA62_DATABASE_URL` is set) and runs the Alembic migrations in `classroom/migrations/`.
SQLAlchemy and Alembic are imported only here: `sim` never imports this package.
"""
