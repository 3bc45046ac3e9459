-- Why a task failed, as a code the page words in its own language
-- (`error` keeps the text for operators): `transcription_unavailable`,
-- `unprocessable` (the input cannot be processed; trying again cannot help),
-- `gave_up` (the backends kept failing, or the worker stopped).
ALTER TABLE tasks ADD COLUMN error_code text NULL;
