/**
 * English, the reference catalog. Keys are grouped by where they appear.
 * Parameters are written {name}. Other languages copy these keys.
 */
export const en = {
  // Layout
  'layout.skipToContent': 'Skip to main content',
  'layout.mainNav': 'Main',
  'layout.footerNav': 'Support and legal',
  'layout.contactSupport': 'Contact support ({email})',
  'layout.poweredBy': 'Runs on Laurel, the open certification platform.',
  'layout.devBanner': 'Development mode: email is not sent, it stays in the outbox.',
  'layout.devMailbox': 'Open the development mailbox',
  'nav.signIn': 'Sign in',
  'nav.register': 'Create an account',
  'nav.signOut': 'Sign out',
  'nav.dashboard': 'Dashboard',
  'nav.accountFor': 'Account:',
  'nav.help': 'Help',
  'nav.privacy': 'Privacy notice',
  'nav.users': 'Users and roles',
  'nav.console': 'Console',

  // Forms and errors
  'form.errorSummaryTitle': 'There is a problem',
  'form.errorPrefix': 'Error:',
  'layout.pagination': 'Pages',
  'form.required': 'Enter {field}',
  'form.tooLong': '{field} must be {max} characters or fewer',
  'error.notFoundTitle': 'Page not found',
  'error.notFound':
    'If you typed the web address, check it is correct. If you followed a link, it may have expired.',
  'error.forbiddenTitle': 'You cannot open this page',
  'error.forbidden': 'Your account does not have access to this page.',
  'error.unauthorized': 'Sign in to continue.',
  'error.rateLimitedTitle': 'Too many attempts',
  'error.rateLimited': 'There have been too many attempts. Try again in {minutes} minutes.',
  'error.badRequestTitle': 'The request could not be used',
  'error.badRequest':
    'Something in the request was not valid. Go back, check what you entered and try again.',
  'error.validation': 'Some of the information you entered is not valid.',
  'error.tooLarge': 'What you sent is too large.',
  'error.nulByte': 'The request contained a character that is not allowed.',
  'error.csrf':
    'This form has expired or did not come from this site. Go back, reload the page and try again.',
  'error.internalTitle': 'Sorry, there is a problem with the service',
  'error.internal': 'Try again later. If it keeps happening, contact support.',
  'error.twoFactorRequired':
    'Staff accounts must turn on two-factor authentication before they can use staff pages.',
  'error.backHome': 'Go to the start page',

  // Landing
  'home.title': 'Certification and accreditation',
  'home.lead':
    'Register for exams, follow your progress towards certifications, and prove the credentials you hold.',
  'home.firstTime': 'First time here?',
  'home.firstTimeBody':
    'Create an account to register for exams and keep your credentials in one place. You will need an email address you can open.',
  'home.haveAccount': 'Already have an account?',
  'home.haveAccountBody': 'Sign in with your username or email address.',
  'home.partnerTitle': 'Working for a partner company?',
  'home.partnerBody':
    'If your company is a partner of the program, your partner contact creates your account so that your credentials count towards your company. Ask them before you register.',
  'home.troubleTitle': 'Cannot sign in?',
  'home.troubleBody': 'Recover a forgotten username or password.',

  // Dashboard
  'dashboard.title': 'Your dashboard',
  'dashboard.welcome': 'Welcome, {name}',
  'dashboard.candidateId': 'Candidate ID',
  'dashboard.candidateIdHint':
    'Quote this when you contact support or book an exam with a test provider.',
  'dashboard.nameOnCertificates': 'Name on certificates',
  'dashboard.security': 'Account security',
  'dashboard.twoFactorOn': 'Two-factor authentication is on.',
  'dashboard.twoFactorOff':
    'Two-factor authentication is off. Turn it on to protect your credentials.',
  'dashboard.twoFactorSetUp': 'Set up two-factor authentication',
  'dashboard.manageAccount': 'Manage your account',
  'dashboard.staffTitle': 'Staff tools',
  'dashboard.staffTwoFactor':
    'Your account has staff roles. Turn on two-factor authentication to use staff pages.',

  // Registration
  'register.title': 'Create an account',
  'register.lead': 'You need an account to register for exams and to receive credentials.',
  'register.username': 'Username',
  'register.usernameHint': '3 to 40 characters: letters, numbers, dots, dashes and underscores.',
  'register.email': 'Email address',
  'register.emailHint': 'We will send a link to confirm it before you can sign in.',
  'register.givenName': 'Given name',
  'register.familyName': 'Family name',
  'register.nameHint': 'As it should appear on your certificates.',
  'register.country': 'Country or territory',
  'register.countryChoose': 'Choose a country',
  'register.password': 'Password',
  'register.timeZone': 'Time zone',
  'register.passwordHint':
    'At least {min} characters. A few unrelated words make a strong password that is easy to remember.',
  'register.privacyTitle': 'Privacy notice (version {version})',
  'register.privacyAccept': 'I have read the privacy notice and accept it',
  'register.marketing': 'Send me news about the program by email (optional)',
  'register.submit': 'Create account',
  'register.haveAccount': 'Already have an account? Sign in',
  'register.partnerTitle': 'Your company is a partner of the program',
  'register.partnerBody':
    '{organization} is a partner company. Partner employees get their account through their company’s partner contact, so that their credentials count towards the company. Ask your partner contact to add you.',
  'register.sentTitle': 'Check your email',
  'register.sentBody':
    'We have sent a link to the email address you gave. Open it to confirm your address, then sign in. The link works for 24 hours.',
  'register.sentNoMail':
    'No email after a few minutes? Check your spam folder, or ask for a new link.',
  'register.resendTitle': 'Send a new confirmation link',
  'register.resendLead':
    'Enter the email address you registered with. If it belongs to an account that is not confirmed yet, we will send a new link.',
  'register.resendSubmit': 'Send a new link',
  'register.resentBody':
    'If that address belongs to an account that still needs confirming, we have sent a new link to it.',
  'register.confirmTitle': 'Confirm your email address',
  'register.confirmLead':
    'Confirm that this email address belongs to you to finish creating your account.',
  'register.confirmSubmit': 'Confirm my email address',
  'register.confirmInvalid':
    'This confirmation link is not valid or has expired. Ask for a new one.',
  'register.confirmed': 'Your email address is confirmed. You can sign in now.',
  'register.noNotice':
    'The program has not published a privacy notice yet, so registration is closed. Contact support.',

  // Validation of account fields
  'validation.usernameRequired': 'Enter a username',
  'validation.usernameFormat':
    'Username must be 3 to 40 characters: letters, numbers, dots, dashes and underscores',
  'validation.usernameTaken': 'This username is taken. Choose another',
  'validation.emailRequired': 'Enter your email address',
  'validation.emailFormat': 'Enter an email address in the correct format, like name@example.com',
  'validation.emailTaken': 'Another account uses this email address',
  'validation.givenNameRequired': 'Enter your given name',
  'validation.familyNameRequired': 'Enter your family name',
  'validation.nameTooLong': 'Names must be 100 characters or fewer',
  'validation.nameCharacters': 'Names cannot contain control characters',
  'validation.countryRequired': 'Choose your country or territory',
  'validation.privacyRequired': 'You must accept the privacy notice to create an account',
  'validation.identifierRequired': 'Enter your username or email address',
  'validation.passwordRequired': 'Enter your password',
  'validation.codeRequired': 'Enter the code from your authenticator app or a recovery code',
  'validation.codeWrong': 'The code is not right. Check your authenticator app and try again',
  'validation.passwordMismatch': 'The passwords do not match',
  'validation.currentPasswordWrong': 'Your current password is not right',
  'validation.sameEmail': 'This is already your email address',

  'password.required': 'Enter a password',
  'password.tooShort': 'Password must be at least {min} characters',
  'password.tooLong': 'Password must be {max} characters or fewer',
  'password.common': 'This password is too common. Choose one that is harder to guess',
  'password.containsUsername': 'Password must not contain your username',
  'password.containsProgram': 'Password must not contain the program’s name',

  // Sign in
  'signIn.title': 'Sign in',
  'signIn.identifier': 'Username or email address',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.failed': 'The username, email address or password is not right',
  'signIn.unconfirmed': 'Confirm your email address before you sign in. We can send a new link.',
  'signIn.forgot': 'Forgot your username or password?',
  'signIn.noAccount': 'New here? Create an account',
  'signIn.signedOut': 'You have signed out.',
  'signIn.twoFactorTitle': 'Enter your verification code',
  'signIn.twoFactorLead': 'Open your authenticator app and enter the 6-digit code for {program}.',
  'signIn.code': 'Verification code',
  'signIn.codeHint': 'Lost your device? Enter one of your recovery codes instead.',
  'signIn.verify': 'Verify and sign in',
  'signIn.cancel': 'Cancel and sign out',
  'signIn.recoveryCodeUsed':
    'You signed in with a recovery code. You have {count} left; make new ones if you are running out.',

  // Recovery
  'recovery.title': 'Recover your account',
  'recovery.lead': 'Tell us what you forgot.',
  'recovery.forgotUsername': 'I forgot my username',
  'recovery.forgotPassword': 'I forgot my password',
  'recovery.usernameTitle': 'Forgot your username',
  'recovery.usernameLead':
    'Enter the email address on your account and we will email you your username.',
  'recovery.usernameSubmit': 'Email my username',
  'recovery.passwordTitle': 'Reset your password',
  'recovery.passwordLead':
    'Enter your username or the email address on your account. We will email you a link to choose a new password.',
  'recovery.passwordSubmit': 'Send reset link',
  'recovery.sentTitle': 'Check your email',
  'recovery.sentBody':
    'If the details you entered match an account, we have sent an email to its address. It can take a few minutes to arrive.',
  'recovery.resetTitle': 'Choose a new password',
  'recovery.resetLead':
    'Choose a new password for {username}. Signing in afterwards will still ask for your two-factor code if you use one.',
  'recovery.newPassword': 'New password',
  'recovery.confirmPassword': 'Confirm new password',
  'recovery.resetSubmit': 'Save new password',
  'recovery.resetInvalid':
    'This reset link is not valid, has been used or has expired. Ask for a new one.',
  'recovery.resetDone':
    'Your password has been changed and every session was signed out. Sign in with your new password.',

  // Account
  'account.title': 'Your account',
  'account.details': 'Account details',
  'account.username': 'Username',
  'account.email': 'Email address',
  'account.name': 'Name on certificates',
  'account.candidateId': 'Candidate ID',
  'account.country': 'Country',
  'account.security': 'Sign-in and security',
  'account.changePassword': 'Change your password',
  'account.changeEmail': 'Change your email address',
  'account.twoFactor': 'Two-factor authentication',
  'account.sessions': 'Where you are signed in',
  'account.on': 'On',
  'account.off': 'Off',
  'account.roles': 'Roles',

  'password.changeTitle': 'Change your password',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.confirm': 'Confirm new password',
  'password.changeSubmit': 'Change password',
  'password.changed': 'Your password has been changed. Your other sessions were signed out.',

  'email.changeTitle': 'Change your email address',
  'email.changeLead':
    'We will send a link to the new address. Your address changes when you open it. We will also tell your current address.',
  'email.new': 'New email address',
  'email.changeSubmit': 'Send confirmation link',
  'email.changeSent':
    'We have sent a link to your new address. Your email address changes when you open it.',
  'email.confirmTitle': 'Confirm your new email address',
  'email.confirmLead': 'Change the email address of {username} to {email}?',
  'email.confirmSubmit': 'Use this email address',
  'email.confirmInvalid':
    'This link is not valid or has expired. Start the change again from your account.',
  'email.changed': 'Your email address has been changed.',

  'twoFactor.title': 'Two-factor authentication',
  'twoFactor.lead':
    'With two-factor authentication, signing in needs your password and a code from an authenticator app on your phone.',
  'twoFactor.statusOn': 'Two-factor authentication is on since {date}.',
  'twoFactor.statusOff': 'Two-factor authentication is off.',
  'twoFactor.start': 'Set up two-factor authentication',
  'twoFactor.setupTitle': 'Set up your authenticator app',
  'twoFactor.setupStep1':
    'Open an authenticator app (such as FreeOTP, Aegis, Google Authenticator or 1Password) and scan this QR code.',
  'twoFactor.setupStep2': 'If you cannot scan it, enter this key by hand:',
  'twoFactor.setupStep3': 'Enter the 6-digit code the app shows.',
  'twoFactor.qrAlt': 'QR code for your authenticator app',
  'twoFactor.enable': 'Turn on two-factor authentication',
  'twoFactor.enabledTitle': 'Two-factor authentication is on',
  'twoFactor.codesLead':
    'Save these recovery codes somewhere safe, such as a password manager. Each works once, if you lose your phone. This is the only time we show them.',
  'twoFactor.codesDone': 'I have saved my recovery codes',
  'twoFactor.disable': 'Turn off two-factor authentication',
  'twoFactor.disableLead': 'Enter your password and a current code to turn it off.',
  'twoFactor.disabled': 'Two-factor authentication is off.',
  'twoFactor.requiredForStaff':
    'Your account has staff roles, so two-factor authentication must stay on.',
  'twoFactor.disableNeedsLongPassword':
    'Your password is shorter than {min} characters, which is only allowed with two-factor. Change your password first.',
  'twoFactor.regenerate': 'Make new recovery codes',
  'twoFactor.regenerateLead': 'Your old recovery codes stop working.',
  'twoFactor.recoveryLeft': 'Recovery codes left: {count}',
  'twoFactor.notPending': 'Start the set-up again.',
  'twoFactor.copy': 'Copy key',
  'twoFactor.codesLabel': 'Your recovery codes',

  'sessions.title': 'Where you are signed in',
  'sessions.lead':
    'Sessions end after {idle} minutes without activity, and after {max} hours at most.',
  'sessions.started': 'Signed in',
  'sessions.lastSeen': 'Last active',
  'sessions.device': 'Browser',
  'sessions.address': 'Address',
  'sessions.current': 'This session',
  'sessions.signOutOthers': 'Sign out of all other sessions',
  'sessions.othersEnded': 'Your other sessions were signed out.',
  'sessions.none': 'You are not signed in anywhere else.',
  'sessions.unknownBrowser': 'Unknown browser',
  'sessions.browserOn': '{browser} on {os}',

  // Admin: users and roles
  'admin.usersTitle': 'Users and roles',
  'admin.search': 'Search by name, username, email or candidate ID',
  'admin.searchSubmit': 'Search',
  'admin.noUsers': 'No account matches. Try part of a name or the full candidate ID.',
  'admin.user': 'User',
  'admin.rolesTitle': 'Roles of {name}',
  'admin.rolesLead':
    'Everyone with an account is a candidate. Staff roles need two-factor authentication before staff pages open.',
  'admin.saveRoles': 'Save roles',
  'admin.rolesSaved': 'Roles saved.',
  'admin.cannotRemoveOwnAdmin': 'You cannot take the admin role away from yourself',
  'admin.results': '{count} accounts',
  'admin.previous': 'Previous',
  'admin.next': 'Next',
  'role.candidate': 'Candidate',
  'role.partner_admin': 'Partner admin',
  'role.support_agent': 'Support agent',
  'role.program_manager': 'Program manager',
  'role.admin': 'Admin',

  // Privacy
  'privacy.title': 'Privacy notice',
  'privacy.version': 'Version {version}, in force from {date}',
  'privacy.none': 'The program has not published a privacy notice yet.',
  'privacy.acceptTitle': 'Our privacy notice has changed',
  'privacy.acceptLead': 'Read the new version and accept it to continue.',
  'privacy.acceptSubmit': 'Accept and continue',
  'privacy.accepted': 'Thank you. You have accepted the privacy notice.',

  // Development mailbox
  'mailbox.title': 'Development mailbox',
  'mailbox.lead':
    'No SMTP server is configured, so emails stay here. Set SMTP_URL to deliver them.',
  'mailbox.empty': 'No email yet. Register an account to see the confirmation email arrive here.',
  'mailbox.to': 'To',
  'mailbox.subject': 'Subject',
  'mailbox.queued': 'Queued',
  'mailbox.status': 'Status',
  'mailbox.back': 'Back to the mailbox',
  'mailbox.html': 'View the HTML version',

  // Email
  'mail.sentBy': 'Sent by {program}.',
  'mail.help': 'Questions? Write to {email}.',
  'mail.greeting': 'Hello {name},',
  'mail.verify.subject': 'Confirm your email address',
  'mail.verify.body':
    'Thank you for creating an account with {program}. Confirm your email address to finish: the link works for 24 hours.',
  'mail.verify.action': 'Confirm my email address',
  'mail.verify.ignore': 'If you did not create an account, you can ignore this email.',
  'mail.existing.subject': 'You already have an account',
  'mail.existing.body':
    'Someone tried to create an account with this email address, but it already belongs to your account with the username {username}.',
  'mail.existing.action': 'Reset your password',
  'mail.existing.ignore': 'If this was not you, you can ignore this email: nothing has changed.',
  'mail.username.subject': 'Your username',
  'mail.username.body':
    'You asked for the username registered with this email address. It is: {usernames}',
  'mail.username.action': 'Sign in',
  'mail.reset.subject': 'Reset your password',
  'mail.reset.body':
    'Someone asked to reset the password of your account {username}. Choose a new password with this link. It works once, within an hour.',
  'mail.reset.action': 'Choose a new password',
  'mail.reset.ignore':
    'If you did not ask for this, ignore this email: your password stays as it is.',
  'mail.passwordChanged.subject': 'Your password was changed',
  'mail.passwordChanged.body':
    'The password of your account {username} was changed on {date}. Every other session was signed out.',
  'mail.passwordChanged.warn':
    'If you did not do this, reset your password now and contact support.',
  'mail.changeEmail.subject': 'Confirm your new email address',
  'mail.changeEmail.body':
    'You asked to use this address for your account {username}. Confirm it with this link within 24 hours.',
  'mail.changeEmail.action': 'Confirm this address',
  'mail.emailChangeRequested.subject': 'Your email address is being changed',
  'mail.emailChangeRequested.body':
    'Someone signed in to your account {username} asked to change its email address to {email}. It changes only when that address is confirmed.',
  'mail.emailChanged.subject': 'Your email address was changed',
  'mail.emailChanged.body': 'The email address of your account {username} is now {email}.',
  'mail.twoFactorOn.subject': 'Two-factor authentication is on',
  'mail.twoFactorOn.body': 'Two-factor authentication was turned on for your account {username}.',
  'mail.twoFactorOff.subject': 'Two-factor authentication is off',
  'mail.twoFactorOff.body': 'Two-factor authentication was turned off for your account {username}.',
  'mail.notYou': 'If you did not do this, contact support straight away.',
} as const;

export type Messages = { readonly [K in keyof typeof en]: string };
