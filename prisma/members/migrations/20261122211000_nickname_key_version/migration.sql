-- Rows that exist now were keyed by the case-folding rule (version 1); the members service re-keys
-- them with the look-alike rule at start-up. New rows are written under version 2.
-- AlterTable
ALTER TABLE "member" ADD COLUMN     "nickname_key_version" INTEGER NOT NULL DEFAULT 1;
ALTER TABLE "member" ALTER COLUMN "nickname_key_version" SET DEFAULT 2;
