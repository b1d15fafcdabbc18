-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "nickname_change" (
    "id" UUID NOT NULL,
    "member_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "previous_nickname" VARCHAR(200),
    "nickname" VARCHAR(200) NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "nickname_change_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "nickname_change_member_version_key" ON "nickname_change"("member_id", "version");
