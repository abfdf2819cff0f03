/** Scheduling's domain types: what pages, emails and other features see. */

export type AppointmentStatus = 'booked' | 'cancelled' | 'completed' | 'no_show';
export type SittingDelivery = 'test_center' | 'online_proctored';

export interface PlaceView {
  readonly name: string;
  readonly address: string;
  readonly city: string;
  readonly country: string;
  readonly accessibility: string;
}

export interface AppointmentView {
  readonly id: number;
  readonly userId: number;
  readonly examId: number;
  readonly examCode: string;
  readonly examTitle: string;
  readonly confirmationNumber: string;
  readonly calendarUid: string;
  readonly sequence: number;
  readonly status: AppointmentStatus;
  readonly startsAt: Date;
  readonly durationMinutes: number;
  readonly timeZone: string;
  /** 'provider' for appointments an external delivery provider told us about. */
  readonly delivery: SittingDelivery | 'provider';
  readonly sittingId: number | null;
  readonly place: PlaceView | null;
  readonly providerName: string | null;
  /** The place as the provider names it (provider appointments). */
  readonly location: string;
  readonly voucherCode: string | null;
  readonly priceCents: number | null;
  readonly currency: string | null;
  /** Built-in appointments: the last moment to reschedule or cancel; null for provider ones. */
  readonly changeDeadline: Date | null;
  /** Whether the candidate may reschedule or cancel it now. */
  readonly changeable: boolean;
}

export interface SittingView {
  readonly id: number;
  readonly delivery: SittingDelivery;
  readonly startsAt: Date;
  readonly durationMinutes: number;
  readonly timeZone: string;
  readonly seats: number;
  readonly booked: number;
  readonly free: number;
  readonly status: 'scheduled' | 'cancelled';
  readonly notes: string;
  readonly testCenterId: number | null;
  readonly place: PlaceView | null;
  readonly exams: readonly { id: number; code: string; title: string }[];
}

export interface TestCenterView {
  readonly id: number;
  readonly name: string;
  readonly address: string;
  readonly city: string;
  readonly country: string;
  readonly timeZone: string;
  readonly accessibility: string;
  readonly active: boolean;
}

export interface RosterEntry {
  readonly appointmentId: number;
  readonly candidateNumber: string;
  readonly name: string;
  readonly email: string;
  readonly examCode: string;
  readonly confirmationNumber: string;
  readonly status: AppointmentStatus;
  readonly voucherCode: string | null;
}

export interface VoucherBatchSummary {
  readonly id: number;
  readonly name: string;
  readonly discountPercent: number;
  readonly expiresAt: Date;
  readonly emailDomain: string | null;
  readonly createdAt: Date;
  readonly total: number;
  readonly used: number;
}

export interface VoucherBatchDetail extends VoucherBatchSummary {
  readonly exams: readonly { code: string; title: string }[];
  readonly vouchers: readonly {
    code: string;
    usedAt: Date | null;
    candidateNumber: string | null;
    candidateName: string | null;
    examCode: string | null;
    confirmationNumber: string | null;
    appointmentStatus: AppointmentStatus | null;
  }[];
  /** Uses per exam, for the use report. */
  readonly usesByExam: readonly { code: string; count: number }[];
}

export interface SittingSearchInput {
  examCode?: string;
  country?: string;
  city?: string;
  /** `YYYY-MM-DD`, in the candidate's time zone. */
  from?: string;
  to?: string;
  delivery?: SittingDelivery;
}
