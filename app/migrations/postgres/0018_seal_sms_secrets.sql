-- A text that carries a secret (a registration code) keeps it only sealed, and only until it is
-- handed to the SMS provider or expires: `body` holds the text with the code masked, which may
-- stay; `sealed_body` the whole text, sealed with the installation's key (see crypto.rs), set
-- to null once handed over or expired; `expires_at` when the code stops being good.
alter table sms_outbox add column sealed_body text;
alter table sms_outbox add column expires_at bigint;

-- Until now every row was the development gateway's record of a text it "sent", codes in
-- clear. They count as sent, so a provider configured later does not send them again, and
-- their codes are masked.
update sms_outbox set sent_at = created_at where sent_at is null;
update sms_outbox set body = '【e家】您的注册验证码是 ******，10 分钟内有效。请勿告诉他人。'
    where body like '【e家】您的注册验证码是 %';
update sms_outbox set body = '[ejia] Your registration code is ******, valid for 10 minutes. Do not share it.'
    where body like '[ejia] Your registration code is %';
