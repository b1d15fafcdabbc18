-- AlterTable
ALTER TABLE "member" ADD COLUMN     "subject" VARCHAR(255);

-- CreateIndex
CREATE UNIQUE INDEX "member_subject_key" ON "member"("subject");
