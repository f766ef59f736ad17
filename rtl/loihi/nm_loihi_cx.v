// nm_loihi_cx - the compartment update of docs/loihi-core.md section 5, purely
// combinational: decays (sign-magnitude, truncating toward zero), the 24-bit u wrap,
// bias, the v clamp, the refractory countdown, the strict threshold test and reset.
module nm_loihi_cx (
  input  wire [23:0] u_i,         // state before the update (signed)
  input  wire [23:0] v_i,         // signed
  input  wire [5:0]  r_i,         // refractory counter
  input  wire [23:0] in_i,        // DA slot of this step (signed)
  input  wire [11:0] du_i,        // decay profile
  input  wire [11:0] dv_i,
  input  wire [5:0]  refract_i,
  input  wire [16:0] vth_mant_i,  // threshold profile
  input  wire [12:0] bias_mant_i, // signed
  input  wire [2:0]  bias_exp_i,
  output wire [23:0] u_o,
  output wire [23:0] v_o,
  output wire [5:0]  r_o,
  output wire        spike_o,
  output wire        active_o     // any of u, v, r, in, bias non-zero
);
  localparam [25:0] VMax = 26'd8388607;             //  2^23 - 1
  localparam [25:0] VMin = 26'h3ffffff - 26'd8388606; // -(2^23 - 1)

  // u' = sgn(u) * ((|u| * (4095 - DU)) >> 12) + in, wrapped to 24 bits
  wire        u_neg  = u_i[23];
  wire [23:0] u_mag  = u_neg ? (24'd0 - u_i) : u_i;      // 0 .. 2^23
  wire [11:0] fu     = 12'd4095 - du_i;
  /* verilator lint_off UNUSEDSIGNAL */ // the >> 12 drops the low bits
  wire [35:0] pu     = {12'd0, u_mag} * {24'd0, fu};
  /* verilator lint_on UNUSEDSIGNAL */
  wire [23:0] du_mag = pu[35:12];                        // < 2^23
  wire [23:0] du_s   = u_neg ? (24'd0 - du_mag) : du_mag;
  wire [23:0] u_new  = du_s + in_i;

  // v' = clamp(sgn(v) * ((|v| * (4096 - DV)) >> 12) + u' + bias, +-(2^23 - 1))
  wire        v_neg  = v_i[23];
  wire [23:0] v_mag  = v_neg ? (24'd0 - v_i) : v_i;      // 0 .. 2^23
  wire [12:0] fv     = 13'd4096 - {1'b0, dv_i};          // 1 .. 4096
  /* verilator lint_off UNUSEDSIGNAL */
  wire [36:0] pv     = {13'd0, v_mag} * {24'd0, fv};
  /* verilator lint_on UNUSEDSIGNAL */
  wire [24:0] dv_mag = pv[36:12];                        // <= 2^23
  wire [25:0] dv_s   = v_neg ? (26'd0 - {1'b0, dv_mag}) : {1'b0, dv_mag};
  wire [25:0] bias   = {{13{bias_mant_i[12]}}, bias_mant_i} << bias_exp_i;
  wire [25:0] sum    = dv_s + {{2{u_new[23]}}, u_new} + bias;
  wire [23:0] v_cl   = ($signed(sum) > $signed(VMax)) ? VMax[23:0] :
                       ($signed(sum) < $signed(VMin)) ? VMin[23:0] : sum[23:0];

  // refractory: count down first; still refractory while the count is non-zero
  wire [5:0]  r_dec  = (r_i != 6'd0) ? (r_i - 6'd1) : 6'd0;
  wire        refr   = (r_dec != 6'd0);
  wire [23:0] thr    = {1'b0, vth_mant_i, 6'd0};
  wire        fire   = !refr && ($signed(v_cl) > $signed(thr));

  assign u_o      = u_new;
  assign v_o      = (refr || fire) ? 24'd0 : v_cl;
  assign r_o      = fire ? refract_i : r_dec;
  assign spike_o  = fire;
  assign active_o = (u_i != 24'd0) || (v_i != 24'd0) || (r_i != 6'd0) || (in_i != 24'd0) ||
                    (bias_mant_i != 13'd0);
endmodule
